-- Fewer index entries per punch (D1 writes, and bills, every index entry as a row): an employee's
-- history by local date is found through a time range of the (employee, time) index, which gains
-- the id; the status index keeps only flagged and rejected punches; sealing finds the audit log's
-- unsealed tail by seq (entries are sealed in order), so it needs no index of its own.
DROP INDEX `audit_log_unsealed_idx`;--> statement-breakpoint
DROP INDEX `punches_employee_id_effective_time_idx`;--> statement-breakpoint
DROP INDEX `punches_employee_id_local_date_idx`;--> statement-breakpoint
DROP INDEX `punches_status_effective_time_idx`;--> statement-breakpoint
CREATE INDEX `punches_employee_time_idx` ON `punches` (`employee_id`,`effective_time`,`id`);--> statement-breakpoint
CREATE INDEX `punches_exceptions_idx` ON `punches` (`status`,`effective_time`) WHERE "punches"."status" <> 'accepted';