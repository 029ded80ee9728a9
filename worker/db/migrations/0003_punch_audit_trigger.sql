-- Every punch a device records gets its audit entry ("punch.recorded", the rule decision) from the
-- database itself, in the same statement as the punch: the two can never be split, an insert
-- that loses an idempotency race (ON CONFLICT DO NOTHING) writes no entry, and the punch path's
-- write stays one statement per punch. Punches entered by people are audited by their routes.
CREATE TRIGGER `punches_audit_device_insert` AFTER INSERT ON `punches` WHEN NEW.`source` = 'device' BEGIN
  INSERT INTO `audit_log` (`at`, `actor_type`, `actor_id`, `action`, `subject_type`, `subject_id`, `data`, `ip`)
  VALUES (NEW.`received_at`, 'employee', NEW.`employee_id`, 'punch.recorded', 'punch', NEW.`id`,
    json_object('kind', NEW.`kind`, 'mode', NEW.`mode`, 'status', NEW.`status`, 'reasons', json(NEW.`reasons`)), NEW.`ip`);
END;
