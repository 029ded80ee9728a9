CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_idx` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`subject_type` text,
	`subject_id` text,
	`data` text,
	`ip` text,
	`prev_hash` text,
	`hash` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_subject_idx` ON `audit_log` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE INDEX `audit_log_action_at_idx` ON `audit_log` (`action`,`at`);--> statement-breakpoint
CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`employee_id` text NOT NULL,
	`kind` text NOT NULL,
	`credential_id` text NOT NULL,
	`public_key` text NOT NULL,
	`counter` integer DEFAULT 0 NOT NULL,
	`transports` text DEFAULT '[]' NOT NULL,
	`backed_up` integer DEFAULT false NOT NULL,
	`rp_id` text NOT NULL,
	`label` text,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	`revoked_by` text,
	FOREIGN KEY (`employee_id`) REFERENCES `employees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_credential_id_idx` ON `devices` (`credential_id`);--> statement-breakpoint
CREATE INDEX `devices_employee_id_idx` ON `devices` (`employee_id`);--> statement-breakpoint
CREATE TABLE `employees` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`role` text DEFAULT 'employee' NOT NULL,
	`manager_id` text,
	`timezone` text,
	`schedule_id` text,
	`active` integer DEFAULT true NOT NULL,
	`consent_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`manager_id`) REFERENCES `employees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `employees_email_idx` ON `employees` (`email`);--> statement-breakpoint
CREATE INDEX `employees_manager_id_idx` ON `employees` (`manager_id`);--> statement-breakpoint
CREATE INDEX `employees_role_idx` ON `employees` (`role`);--> statement-breakpoint
CREATE TABLE `enrollment_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`employee_id` text NOT NULL,
	`purpose` text NOT NULL,
	`code_hash` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`used_flow_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`employee_id`) REFERENCES `employees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enrollment_codes_code_hash_idx` ON `enrollment_codes` (`code_hash`);--> statement-breakpoint
CREATE INDEX `enrollment_codes_employee_id_idx` ON `enrollment_codes` (`employee_id`);--> statement-breakpoint
CREATE TABLE `punches` (
	`id` text PRIMARY KEY NOT NULL,
	`employee_id` text NOT NULL,
	`device_id` text,
	`source` text DEFAULT 'device' NOT NULL,
	`kind` text NOT NULL,
	`client_time` integer NOT NULL,
	`tz` text NOT NULL,
	`nonce` text,
	`nonce_issued_at` integer,
	`geo_lat` real,
	`geo_lon` real,
	`geo_accuracy` real,
	`geo_error` text,
	`effective_time` integer NOT NULL,
	`received_at` integer NOT NULL,
	`local_date` text NOT NULL,
	`mode` text NOT NULL,
	`status` text NOT NULL,
	`reasons` text DEFAULT '[]' NOT NULL,
	`ip` text,
	`country` text,
	`region` text,
	`city` text,
	`asn` integer,
	`colo` text,
	`signed_punch` text,
	`punch_hash` text NOT NULL,
	`assertion` text,
	`receipt_payload` text NOT NULL,
	`receipt_signature` text NOT NULL,
	`created_by` text,
	FOREIGN KEY (`employee_id`) REFERENCES `employees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `punches_employee_id_effective_time_idx` ON `punches` (`employee_id`,`effective_time`);--> statement-breakpoint
CREATE INDEX `punches_effective_time_idx` ON `punches` (`effective_time`);--> statement-breakpoint
CREATE INDEX `punches_employee_id_local_date_idx` ON `punches` (`employee_id`,`local_date`);--> statement-breakpoint
CREATE INDEX `punches_status_effective_time_idx` ON `punches` (`status`,`effective_time`);--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`employee_id` text NOT NULL,
	`kind` text NOT NULL,
	`device_id` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`employee_id`) REFERENCES `employees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_hash_idx` ON `sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sessions_expires_at_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE INDEX `sessions_employee_id_idx` ON `sessions` (`employee_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`data` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `webauthn_flows` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`challenge` text NOT NULL,
	`employee_id` text,
	`code_id` text,
	`origin` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webauthn_flows_expires_at_idx` ON `webauthn_flows` (`expires_at`);