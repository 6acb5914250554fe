import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { InkboxModule } from 'nestjs-inkbox';
import { MailRecordModule } from './mail-record/mail-record.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    InkboxModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        // One key, or several separated by commas (key rotation, several agent identities).
        signingKey: (config.get<string>('INKBOX_SIGNING_KEY') ?? '')
          .split(',')
          .map((key) => key.trim())
          .filter((key) => key !== ''),
        toleranceSeconds: Number(config.get<string>('INKBOX_TOLERANCE_SECONDS', '300')),
      }),
    }),
    MailRecordModule,
  ],
})
export class AppModule {}
