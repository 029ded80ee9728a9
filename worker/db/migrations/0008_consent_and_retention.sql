ALTER TABLE `employees` ADD `consent_version` text;--> statement-breakpoint
ALTER TABLE `employees` ADD `anonymized_at` integer;--> statement-breakpoint
-- A punch's IP is personal data with a retention period (settings retention.ipDays): the punch's
-- audit entry no longer copies it, since audit entries are never changed (the punch row keeps it
-- until retention erases it there).
DROP TRIGGER `punches_audit_device_insert`;
--> statement-breakpoint
CREATE TRIGGER `punches_audit_device_insert` AFTER INSERT ON `punches` WHEN NEW.`source` = 'device' BEGIN
  INSERT INTO `audit_log` (`at`, `actor_type`, `actor_id`, `action`, `subject_type`, `subject_id`, `data`, `ip`)
  VALUES (NEW.`received_at`, 'employee', NEW.`employee_id`, 'punch.recorded', 'punch', NEW.`id`,
    json_object('kind', NEW.`kind`, 'mode', NEW.`mode`, 'status', NEW.`status`, 'reasons', json(NEW.`reasons`)), NULL);
END;
