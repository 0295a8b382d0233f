CREATE TABLE `password_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`purpose` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `password_tokens_hash` ON `password_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `password_tokens_person` ON `password_tokens` (`person_id`);--> statement-breakpoint
CREATE TABLE `request_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`window_started_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `people` ADD `external_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `people_school_external_id` ON `people` (`school_id`,`external_id`);