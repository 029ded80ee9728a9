CREATE INDEX `audit_log_unsealed_idx` ON `audit_log` (`seq`) WHERE "audit_log"."hash" IS NULL;--> statement-breakpoint
CREATE INDEX `employees_name_idx` ON `employees` (`name`,`id`);