CREATE TABLE `import_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`school_id` text NOT NULL,
	`actor_id` text,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`applied_at` integer,
	`snapshot` text,
	`fingerprint` text NOT NULL,
	`changes` text NOT NULL,
	`writes` integer,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `import_runs_school` ON `import_runs` (`school_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `groups` ADD `source_id` text;--> statement-breakpoint
ALTER TABLE `groups` ADD `ended_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `groups_school_source` ON `groups` (`school_id`,`source_id`);--> statement-breakpoint
ALTER TABLE `households` ADD `source_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `households_school_source` ON `households` (`school_id`,`source_id`);--> statement-breakpoint
ALTER TABLE `people` ADD `source_id` text;--> statement-breakpoint
ALTER TABLE `people` ADD `ended_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `people_school_source` ON `people` (`school_id`,`source_id`);--> statement-breakpoint
ALTER TABLE `schools` ADD `source_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `schools_source` ON `schools` (`source_id`);--> statement-breakpoint
ALTER TABLE `subjects` ADD `source_id` text;--> statement-breakpoint
ALTER TABLE `teaching_duties` ADD `source_id` text;