-- Retention's erase passes walk the punches in (time, id) order from where they stopped, instead
-- of two partial indexes of "rows still holding location / IP" that every punch wrote an entry
-- to. Each walk starts just before the oldest punch that still holds its kind of data (found
-- through the old index, before it goes), or at the beginning when none does.
CREATE TABLE `retention_progress` (
	`kind` text PRIMARY KEY NOT NULL,
	`after_time` integer NOT NULL,
	`after_id` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `retention_progress` (`kind`, `after_time`, `after_id`)
  SELECT 'location', coalesce(
    (SELECT min(`effective_time`) - 1 FROM `punches` WHERE `geo_lat` IS NOT NULL OR `signed_punch` IS NOT NULL), -1), ''
  WHERE EXISTS (SELECT 1 FROM `punches`);
--> statement-breakpoint
INSERT INTO `retention_progress` (`kind`, `after_time`, `after_id`)
  SELECT 'ip', coalesce(
    (SELECT min(`effective_time`) - 1 FROM `punches` WHERE `ip` IS NOT NULL), -1), ''
  WHERE EXISTS (SELECT 1 FROM `punches`);
--> statement-breakpoint
DROP INDEX `punches_located_idx`;--> statement-breakpoint
DROP INDEX `punches_with_ip_idx`;