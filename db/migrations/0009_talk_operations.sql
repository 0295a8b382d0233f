-- Talk-day operations: telephone numbers, rule overrides, guests of a talk (interpreters), mail
-- retries and reminders, closed calls. Audit events and outbox messages may now come from or go to a
-- guest (no account): their person column became nullable, hence the rebuilt tables.
CREATE TABLE `talk_guests` (
	`id` text PRIMARY KEY NOT NULL,
	`talk_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`language` text NOT NULL,
	`email` text,
	`phone` text,
	`token_hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_by` text,
	`revoked_at` integer,
	FOREIGN KEY (`talk_id`) REFERENCES `talks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`revoked_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `talk_guests_token` ON `talk_guests` (`token_hash`);--> statement-breakpoint
CREATE INDEX `talk_guests_talk` ON `talk_guests` (`talk_id`);--> statement-breakpoint
CREATE TABLE `talk_rule_overrides` (
	`id` text PRIMARY KEY NOT NULL,
	`talk_id` text NOT NULL,
	`rule` text NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`reason` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`talk_id`) REFERENCES `talks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `talk_rule_overrides_talk` ON `talk_rule_overrides` (`talk_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`actor_id` text,
	`guest_id` text,
	`action` text NOT NULL,
	`version` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`guest_id`) REFERENCES `talk_guests`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "audit_events_one_actor" CHECK((actor_id is null) <> (guest_id is null))
);
--> statement-breakpoint
INSERT INTO `__new_audit_events`("id", "plan_id", "actor_id", "action", "version", "at") SELECT "id", "plan_id", "actor_id", "action", "version", "at" FROM `audit_events`;--> statement-breakpoint
DROP TABLE `audit_events`;--> statement-breakpoint
ALTER TABLE `__new_audit_events` RENAME TO `audit_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `audit_events_plan` ON `audit_events` (`plan_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_actor_plan` ON `audit_events` (`actor_id`,`plan_id`,`action`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_guest` ON `audit_events` (`guest_id`,`at`);--> statement-breakpoint
CREATE TABLE `__new_outbox_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`school_id` text NOT NULL,
	`recipient_id` text,
	`guest_id` text,
	`talk_id` text,
	`to_address` text NOT NULL,
	`kind` text NOT NULL,
	`locale` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`calendar` text,
	`created_at` integer NOT NULL,
	`transport` text NOT NULL,
	`status` text DEFAULT 'outbox' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`sent_at` integer,
	`error` text,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recipient_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`guest_id`) REFERENCES `talk_guests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`talk_id`) REFERENCES `talks`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "outbox_messages_one_recipient" CHECK((recipient_id is null) <> (guest_id is null))
);
--> statement-breakpoint
INSERT INTO `__new_outbox_messages`("id", "school_id", "recipient_id", "to_address", "kind", "locale", "subject", "body", "calendar", "created_at", "transport", "status", "sent_at", "error") SELECT "id", "school_id", "recipient_id", "to_address", "kind", "locale", "subject", "body", "calendar", "created_at", "transport", CASE WHEN "sent_at" IS NOT NULL THEN 'sent' WHEN "error" IS NOT NULL THEN 'failed' ELSE 'outbox' END, "sent_at", "error" FROM `outbox_messages`;--> statement-breakpoint
DROP TABLE `outbox_messages`;--> statement-breakpoint
ALTER TABLE `__new_outbox_messages` RENAME TO `outbox_messages`;--> statement-breakpoint
CREATE INDEX `outbox_messages_school` ON `outbox_messages` (`school_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `outbox_messages_due` ON `outbox_messages` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `talk_reminders` (
	`talk_id` text NOT NULL,
	`guardian_id` text NOT NULL,
	`starts_at` text NOT NULL,
	`message_id` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`talk_id`, `guardian_id`, `starts_at`),
	FOREIGN KEY (`talk_id`) REFERENCES `talks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`guardian_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`message_id`) REFERENCES `outbox_messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `talk_calls` ADD `closed_by` text REFERENCES people(id);--> statement-breakpoint
ALTER TABLE `talk_events` ADD `phone_number` text;--> statement-breakpoint
ALTER TABLE `talk_sittings` ADD `phone_number` text;--> statement-breakpoint
ALTER TABLE `talks` ADD `phone_number` text;