// The packed package in an app without bullmq: inline delivery works and never loads it; queue mode
// refuses to start with a message saying what to install.
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'bullmq' || request.startsWith('bullmq/')) {
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
require('reflect-metadata');
const { Injectable, Module: NestModule } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const lib = require('nestjs-inkbox');
const { signInkboxWebhook, createInkboxEvent } = require('nestjs-inkbox/testing');
const { runConsumer } = require('./run.cjs');

const write = process.stdout.write.bind(process.stdout);
let inline;
process.stdout.write = (text) => ((inline = JSON.parse(text)), true);
runConsumer({
  Injectable,
  Module: NestModule,
  NestFactory,
  ...lib,
  signInkboxWebhook,
  createInkboxEvent,
  format: 'cjs',
})
  .then(async () => {
    process.stdout.write = write;
    const loaded = Object.keys(require.cache).filter((path) =>
      path.includes(`${require('node:path').sep}bullmq${require('node:path').sep}`),
    );
    class QueueApp {}
    NestModule({
      imports: [
        lib.InkboxModule.forRoot({
          signingKey: 'whsec_pack',
          delivery: { mode: 'queue', redis: { url: 'redis://127.0.0.1:1' } },
        }),
      ],
    })(QueueApp);
    let queueError = null;
    try {
      const app = await NestFactory.create(QueueApp, { logger: false, abortOnError: false });
      await app.init();
      await app.close();
    } catch (error) {
      queueError = error.message;
    }
    write(JSON.stringify({ inline: inline.ok, bullmqLoaded: loaded, queueError }) + '\n');
    process.exit(0); // the failed queue app leaves its Redis client reconnecting
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
