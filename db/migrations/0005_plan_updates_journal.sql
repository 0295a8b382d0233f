PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_plan_updates` (
	`id` integer PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`data` blob NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_plan_updates`("id", "plan_id", "data") SELECT "id", "plan_id", "data" FROM `plan_updates`;--> statement-breakpoint
DROP TABLE `plan_updates`;--> statement-breakpoint
ALTER TABLE `__new_plan_updates` RENAME TO `plan_updates`;--> statement-breakpoint
PRAGMA foreign_keys=ON;