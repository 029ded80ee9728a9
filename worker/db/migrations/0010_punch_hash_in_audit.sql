-- The punch's audit entry names the hash of what was signed (the WebAuthn challenge): the log
-- then ties each recorded punch to its content, not only to its id.
DROP TRIGGER `punches_audit_device_insert`;
--> statement-breakpoint
CREATE TRIGGER `punches_audit_device_insert` AFTER INSERT ON `punches` WHEN NEW.`source` = 'device' BEGIN
  INSERT INTO `audit_log` (`at`, `actor_type`, `actor_id`, `action`, `subject_type`, `subject_id`, `data`, `ip`)
  VALUES (NEW.`received_at`, 'employee', NEW.`employee_id`, 'punch.recorded', 'punch', NEW.`id`,
    json_object('kind', NEW.`kind`, 'mode', NEW.`mode`, 'status', NEW.`status`, 'reasons', json(NEW.`reasons`), 'punchHash', NEW.`punch_hash`), NULL);
END;
