CREATE TABLE `archive_index` (
	`employee_id` text NOT NULL,
	`month` text NOT NULL,
	`key` text NOT NULL,
	`offset` integer NOT NULL,
	`length` integer NOT NULL,
	`punches` integer NOT NULL,
	PRIMARY KEY(`employee_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `archive_index_month_idx` ON `archive_index` (`month`);--> statement-breakpoint
CREATE TABLE `archive_parts` (
	`month` text NOT NULL,
	`part` integer NOT NULL,
	`key` text NOT NULL,
	`punches` integer NOT NULL,
	`bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`month`, `part`)
);
--> statement-breakpoint
ALTER TABLE `corrections` ADD `evidence_erased_at` integer;--> statement-breakpoint
CREATE INDEX `corrections_evidence_idx` ON `corrections` (`created_at`) WHERE "corrections"."evidence" <> '[]' AND "corrections"."evidence_erased_at" IS NULL;--> statement-breakpoint
CREATE INDEX `punches_located_idx` ON `punches` (`effective_time`) WHERE "punches"."geo_lat" IS NOT NULL OR "punches"."signed_punch" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `punches_with_ip_idx` ON `punches` (`effective_time`) WHERE "punches"."ip" IS NOT NULL;