CREATE TABLE `corrections` (
	`id` text PRIMARY KEY NOT NULL,
	`employee_id` text NOT NULL,
	`date` text NOT NULL,
	`kind` text NOT NULL,
	`time` integer NOT NULL,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`evidence` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	`decided_by` text,
	`comment` text,
	`punch_id` text,
	FOREIGN KEY (`employee_id`) REFERENCES `employees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `corrections_employee_id_created_at_idx` ON `corrections` (`employee_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `corrections_status_created_at_idx` ON `corrections` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `corrections_employee_id_date_idx` ON `corrections` (`employee_id`,`date`);--> statement-breakpoint
CREATE UNIQUE INDEX `corrections_pending_idx` ON `corrections` (`employee_id`,`date`,`kind`) WHERE "corrections"."status" = 'pending';--> statement-breakpoint
ALTER TABLE `punches` ADD `correction_id` text;--> statement-breakpoint
ALTER TABLE `punches` ADD `note` text;--> statement-breakpoint
ALTER TABLE `punches` ADD `review_decision` text;--> statement-breakpoint
ALTER TABLE `punches` ADD `review_by` text;--> statement-breakpoint
ALTER TABLE `punches` ADD `review_at` integer;--> statement-breakpoint
ALTER TABLE `punches` ADD `review_comment` text;--> statement-breakpoint
CREATE UNIQUE INDEX `punches_correction_id_idx` ON `punches` (`correction_id`) WHERE "punches"."correction_id" IS NOT NULL;