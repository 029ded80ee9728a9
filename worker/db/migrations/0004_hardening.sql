CREATE TABLE `audit_checkpoints` (
	`seq` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`at` integer NOT NULL,
	`sealed` integer NOT NULL,
	`payload` text NOT NULL,
	`signature` text NOT NULL,
	`kid` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `security_events` (
	`window_start` integer NOT NULL,
	`source` text NOT NULL,
	`action` text NOT NULL,
	`count` integer NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`sample` text,
	PRIMARY KEY(`window_start`, `source`, `action`)
);
--> statement-breakpoint
CREATE TABLE `spent_challenges` (
	`challenge` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `spent_challenges_expires_at_idx` ON `spent_challenges` (`expires_at`);--> statement-breakpoint
DROP TABLE `rate_limits`;--> statement-breakpoint
ALTER TABLE `devices` ADD `counter_time` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `counter_punch_id` text;--> statement-breakpoint
-- The audit log is append-only in the database itself: no delete, and no update but the sealing
-- of an unsealed row (hash and prev_hash set once, every other column unchanged).
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log` BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_seal_only` BEFORE UPDATE ON `audit_log` WHEN NOT (
  OLD.`hash` IS NULL AND OLD.`prev_hash` IS NULL AND NEW.`hash` IS NOT NULL AND NEW.`prev_hash` IS NOT NULL
  AND NEW.`seq` = OLD.`seq` AND NEW.`at` = OLD.`at` AND NEW.`actor_type` = OLD.`actor_type` AND NEW.`actor_id` IS OLD.`actor_id`
  AND NEW.`action` = OLD.`action` AND NEW.`subject_type` IS OLD.`subject_type` AND NEW.`subject_id` IS OLD.`subject_id`
  AND NEW.`data` IS OLD.`data` AND NEW.`ip` IS OLD.`ip`
) BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: only an unsealed entry can be sealed');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_checkpoints_no_delete` BEFORE DELETE ON `audit_checkpoints` BEGIN
  SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_checkpoints_no_update` BEFORE UPDATE ON `audit_checkpoints` BEGIN
  SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;
