CREATE TABLE `guardian_unavailability` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`guardian_id` text NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `talk_events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`guardian_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `guardian_unavailability_event` ON `guardian_unavailability` (`event_id`,`guardian_id`);--> statement-breakpoint
CREATE TABLE `outbox_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`school_id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`to_address` text NOT NULL,
	`kind` text NOT NULL,
	`locale` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`calendar` text,
	`created_at` integer NOT NULL,
	`transport` text NOT NULL,
	`sent_at` integer,
	`error` text,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recipient_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_messages_school` ON `outbox_messages` (`school_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `talk_calls` (
	`id` text PRIMARY KEY NOT NULL,
	`talk_id` text NOT NULL,
	`subject_id` text NOT NULL,
	`called_by` text NOT NULL,
	`called_at` integer NOT NULL,
	`acknowledged_by` text,
	`acknowledged_at` integer,
	`closed_at` integer,
	FOREIGN KEY (`talk_id`) REFERENCES `talks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`called_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`acknowledged_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `talk_calls_talk` ON `talk_calls` (`talk_id`,`called_at`);--> statement-breakpoint
CREATE TABLE `talk_event_groups` (
	`event_id` text NOT NULL,
	`group_id` text NOT NULL,
	PRIMARY KEY(`event_id`, `group_id`),
	FOREIGN KEY (`event_id`) REFERENCES `talk_events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `talk_event_groups_group` ON `talk_event_groups` (`group_id`);--> statement-breakpoint
CREATE TABLE `talk_events` (
	`id` text PRIMARY KEY NOT NULL,
	`school_id` text NOT NULL,
	`term_id` text NOT NULL,
	`window_start` text NOT NULL,
	`window_end` text NOT NULL,
	`sitting_minutes` integer NOT NULL,
	`talk_minutes` integer NOT NULL,
	`place` text NOT NULL,
	`video_url` text,
	`capacity` integer,
	`status` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `talk_events_school` ON `talk_events` (`school_id`);--> statement-breakpoint
CREATE TABLE `talk_guardian_replies` (
	`talk_id` text NOT NULL,
	`guardian_id` text NOT NULL,
	`confirmed_at` integer,
	`attendance` text,
	`interpreter_language` text,
	`identity_checked_by` text,
	`identity_checked_at` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`talk_id`, `guardian_id`),
	FOREIGN KEY (`talk_id`) REFERENCES `talks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`guardian_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`identity_checked_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `talk_guardian_replies_guardian` ON `talk_guardian_replies` (`guardian_id`);--> statement-breakpoint
CREATE TABLE `talk_sittings` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`place` text NOT NULL,
	`video_url` text,
	`capacity` integer,
	FOREIGN KEY (`event_id`) REFERENCES `talk_events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `talk_sittings_event` ON `talk_sittings` (`event_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `talks` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`pupil_id` text NOT NULL,
	`sitting_id` text,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`place` text,
	`video_url` text,
	`placed_by` text NOT NULL,
	`started_at` integer,
	`current_section` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `talk_events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pupil_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sitting_id`) REFERENCES `talk_sittings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `talks_event_pupil` ON `talks` (`event_id`,`pupil_id`);--> statement-breakpoint
CREATE INDEX `talks_sitting` ON `talks` (`sitting_id`);--> statement-breakpoint
CREATE INDEX `talks_pupil` ON `talks` (`pupil_id`);