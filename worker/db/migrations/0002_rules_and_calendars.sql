CREATE TABLE `employee_locations` (
	`id` text PRIMARY KEY NOT NULL,
	`employee_id` text NOT NULL,
	`name` text NOT NULL,
	`lat` real NOT NULL,
	`lon` real NOT NULL,
	`radius_m` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`employee_id`) REFERENCES `employees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `employee_locations_employee_id_idx` ON `employee_locations` (`employee_id`);--> statement-breakpoint
CREATE TABLE `holidays` (
	`id` text PRIMARY KEY NOT NULL,
	`date` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `holidays_date_idx` ON `holidays` (`date`);--> statement-breakpoint
CREATE TABLE `networks` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`cidr` text NOT NULL,
	`employee_ids` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`timezone` text,
	`kind` text NOT NULL,
	`days` text NOT NULL,
	`grace_late_min` integer NOT NULL,
	`grace_early_min` integer NOT NULL,
	`earliest_in_min` integer NOT NULL,
	`core_start` text,
	`core_end` text,
	`required_minutes` integer,
	`rest_day_work_allowed` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sites` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`lat` real NOT NULL,
	`lon` real NOT NULL,
	`radius_m` integer NOT NULL,
	`employee_ids` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `punches` ADD `ip_lat` real;--> statement-breakpoint
ALTER TABLE `punches` ADD `ip_lon` real;--> statement-breakpoint
CREATE INDEX `employees_schedule_id_idx` ON `employees` (`schedule_id`);