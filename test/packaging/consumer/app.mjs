// An ES module consumer of the packed package.
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InkboxModule, OnInkboxEvent, MessageBouncedEvent } from 'nestjs-inkbox';
import { signInkboxWebhook, createInkboxEvent } from 'nestjs-inkbox/testing';
import { createRequire } from 'node:module';

const { runConsumer } = createRequire(import.meta.url)('./run.cjs');
runConsumer({
  Injectable,
  Module,
  NestFactory,
  InkboxModule,
  OnInkboxEvent,
  MessageBouncedEvent,
  signInkboxWebhook,
  createInkboxEvent,
  format: 'esm',
});
