import { Module } from '@nestjs/common';
import { AuditEventsController } from './audit-events.controller';
import { AuditLog } from './audit-log.service';
import { AuditRepository } from './audit.repository';

/** The organization audit log: other modules import it and call `AuditLog.record` in their transaction. */
@Module({
  controllers: [AuditEventsController],
  providers: [AuditLog, AuditRepository],
  exports: [AuditLog],
})
export class AuditModule {}
