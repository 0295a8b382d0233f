CREATE TABLE `plan_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`version` integer NOT NULL,
	`record` text NOT NULL,
	`content_hash` text NOT NULL,
	`yjs_state` blob NOT NULL,
	`required_signers` text NOT NULL,
	`verification_code` text NOT NULL,
	`status` text NOT NULL,
	`locked_by` text NOT NULL,
	`locked_at` integer NOT NULL,
	`voided_by` text,
	`voided_at` integer,
	`void_reason` text,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`locked_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`voided_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plan_versions_plan_version` ON `plan_versions` (`plan_id`,`version`);--> statement-breakpoint
CREATE UNIQUE INDEX `plan_versions_code` ON `plan_versions` (`verification_code`);--> statement-breakpoint
CREATE TABLE `signatures` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_version_id` text NOT NULL,
	`signer_id` text NOT NULL,
	`role` text NOT NULL,
	`method` text NOT NULL,
	`drawing` text,
	`signed_at` integer NOT NULL,
	`statement` text NOT NULL,
	`seal` text NOT NULL,
	`key_id` text NOT NULL,
	FOREIGN KEY (`plan_version_id`) REFERENCES `plan_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`signer_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signatures_version_signer` ON `signatures` (`plan_version_id`,`signer_id`);--> statement-breakpoint
CREATE INDEX `signatures_version` ON `signatures` (`plan_version_id`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`actor_id` text NOT NULL,
	`action` text NOT NULL,
	`version` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_events_plan` ON `audit_events` (`plan_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_actor_plan` ON `audit_events` (`actor_id`,`plan_id`,`action`,`at`);--> statement-breakpoint
ALTER TABLE `plans` ADD `version` integer DEFAULT 1 NOT NULL;