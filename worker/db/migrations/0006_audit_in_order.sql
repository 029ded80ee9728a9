CREATE INDEX `punches_counted_idx` ON `punches` (`employee_id`,`effective_time`,`id`) WHERE "punches"."status" <> 'rejected';--> statement-breakpoint
-- The chain is sealed in order: an entry's prev_hash must be the hash of the entry before it
-- (the genesis value for the first), which must itself be sealed. Two sealers at once, or one
-- working from a stale head, can then never write a broken link: the stale batch fails whole.
CREATE TRIGGER `audit_log_seal_in_order` BEFORE UPDATE ON `audit_log` WHEN NEW.`prev_hash` IS NOT (
  CASE WHEN EXISTS (SELECT 1 FROM `audit_log` WHERE `seq` < OLD.`seq`)
    THEN (SELECT `hash` FROM `audit_log` WHERE `seq` < OLD.`seq` ORDER BY `seq` DESC LIMIT 1)
    ELSE 'clockwork-audit-genesis' END
) BEGIN
  SELECT RAISE(ABORT, 'audit_log is sealed in order: prev_hash must be the hash of the entry before');
END;
--> statement-breakpoint
-- Inserts add new, unsealed entries only: no entry arrives sealed, and none replaces another
-- (INSERT OR REPLACE deletes without firing the delete trigger).
CREATE TRIGGER `audit_log_insert_new_only` BEFORE INSERT ON `audit_log` WHEN NEW.`hash` IS NOT NULL OR NEW.`prev_hash` IS NOT NULL
  OR (NEW.`seq` > 0 AND EXISTS (SELECT 1 FROM `audit_log` WHERE `seq` = NEW.`seq`)) BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: an entry is inserted unsealed, once');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_checkpoints_insert_new_only` BEFORE INSERT ON `audit_checkpoints` WHEN EXISTS (SELECT 1 FROM `audit_checkpoints` WHERE `seq` = NEW.`seq`) BEGIN
  SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;
