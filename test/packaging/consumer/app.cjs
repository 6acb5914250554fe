// A CommonJS consumer of the packed package, written as a user without TypeScript would.
require('reflect-metadata');
const { Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { InkboxModule, OnInkboxEvent, MessageBouncedEvent } = require('nestjs-inkbox');
const { signInkboxWebhook, createInkboxEvent } = require('nestjs-inkbox/testing');
const { runConsumer } = require('./run.cjs');

runConsumer({
  Injectable,
  Module,
  NestFactory,
  InkboxModule,
  OnInkboxEvent,
  MessageBouncedEvent,
  signInkboxWebhook,
  createInkboxEvent,
  format: 'cjs',
});
