ALTER TABLE `people` ADD `external_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `people_school_external_id` ON `people` (`school_id`,`external_id`);