CREATE TABLE `notification_states` (
	`person_id` text PRIMARY KEY NOT NULL,
	`seen_at` integer,
	`mail_enabled` integer DEFAULT true NOT NULL,
	`mailed_until` integer,
	`last_mail_at` integer,
	`mail_due_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notification_states_due` ON `notification_states` (`mail_due_at`);--> statement-breakpoint
CREATE TABLE `plan_reads` (
	`person_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`read_at` integer NOT NULL,
	PRIMARY KEY(`person_id`, `plan_id`),
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `evaluation_participations` (
	`talk_id` text NOT NULL,
	`person_id` text NOT NULL,
	PRIMARY KEY(`talk_id`, `person_id`),
	FOREIGN KEY (`talk_id`) REFERENCES `talks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `evaluation_responses` (
	`id` integer PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`role` text NOT NULL,
	`questionnaire` integer NOT NULL,
	`answers` text NOT NULL,
	`comment` text,
	FOREIGN KEY (`event_id`) REFERENCES `talk_events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evaluation_responses_event` ON `evaluation_responses` (`event_id`,`role`);