/** HTTP methods the admin client uses. */
export type InkboxHttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
