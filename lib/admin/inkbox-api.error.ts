// The class lives in ../errors.ts with every other error; this path keeps existing imports working.
export {
  InkboxApiError,
  type InkboxApiErrorDetail,
  type InkboxApiErrorInit,
  type InkboxValidationIssue,
} from '../errors.js';
