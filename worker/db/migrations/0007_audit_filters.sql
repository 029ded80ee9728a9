DROP INDEX `audit_log_subject_idx`;--> statement-breakpoint
CREATE INDEX `audit_log_subject_id_idx` ON `audit_log` (`subject_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_log_actor_id_idx` ON `audit_log` (`actor_id`,`seq`);