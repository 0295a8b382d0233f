CREATE TABLE `plan_document_states` (
	`plan_id` text PRIMARY KEY NOT NULL,
	`state` blob NOT NULL,
	`compacted_at` integer NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `plan_sections` (
	`plan_id` text NOT NULL,
	`fragment` text NOT NULL,
	`kind` text NOT NULL,
	`subject_id` text,
	`position` integer NOT NULL,
	PRIMARY KEY(`plan_id`, `fragment`),
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `plan_updates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`data` blob NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `plan_updates_plan` ON `plan_updates` (`plan_id`,`id`);--> statement-breakpoint
CREATE TABLE `plans` (
	`id` text PRIMARY KEY NOT NULL,
	`pupil_id` text NOT NULL,
	`term_id` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`template_version` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`pupil_id`) REFERENCES `pupils`(`person_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plans_pupil_term` ON `plans` (`pupil_id`,`term_id`);