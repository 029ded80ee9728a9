-- A punch that holds location or IP and lands at or behind where retention's walk has got to
-- (signed offline before it, or stored while a run with a later clock went past it, or after the
-- days were raised) is never walked: the database erases what it holds as it is stored. A punch
-- ahead of the walk is left to it. (Normally neither condition holds and nothing is written.)
CREATE TRIGGER `punches_location_behind_retention` AFTER INSERT ON `punches`
WHEN (NEW.`geo_lat` IS NOT NULL OR NEW.`geo_lon` IS NOT NULL OR NEW.`geo_accuracy` IS NOT NULL OR NEW.`signed_punch` IS NOT NULL)
  AND EXISTS (SELECT 1 FROM `retention_progress` p WHERE p.`kind` = 'location'
    AND (NEW.`effective_time` < p.`after_time` OR (NEW.`effective_time` = p.`after_time` AND NEW.`id` <= p.`after_id`)))
BEGIN
  UPDATE `punches` SET `geo_lat` = NULL, `geo_lon` = NULL, `geo_accuracy` = NULL, `signed_punch` = NULL WHERE `id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `punches_ip_behind_retention` AFTER INSERT ON `punches`
WHEN (NEW.`ip` IS NOT NULL OR NEW.`ip_lat` IS NOT NULL OR NEW.`ip_lon` IS NOT NULL OR NEW.`city` IS NOT NULL OR NEW.`region` IS NOT NULL OR NEW.`asn` IS NOT NULL OR NEW.`colo` IS NOT NULL)
  AND EXISTS (SELECT 1 FROM `retention_progress` p WHERE p.`kind` = 'ip'
    AND (NEW.`effective_time` < p.`after_time` OR (NEW.`effective_time` = p.`after_time` AND NEW.`id` <= p.`after_id`)))
BEGIN
  UPDATE `punches` SET `ip` = NULL, `ip_lat` = NULL, `ip_lon` = NULL, `city` = NULL, `region` = NULL, `asn` = NULL, `colo` = NULL WHERE `id` = NEW.`id`;
END;
