CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`time` integer NOT NULL,
	`actor_user_id` integer,
	`actor_username` text,
	`session_id` text,
	`client_id` text,
	`ip` text,
	`action` text NOT NULL,
	`target` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_time_idx` ON `audit_log` (`time`);--> statement-breakpoint
CREATE INDEX `audit_action_time_idx` ON `audit_log` (`action`,`time`);--> statement-breakpoint
CREATE INDEX `audit_actor_id_time_idx` ON `audit_log` (`actor_user_id`,`time`);--> statement-breakpoint
CREATE INDEX `audit_actor_name_time_idx` ON `audit_log` (lower("actor_username"),`time`);--> statement-breakpoint
CREATE TABLE `login_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`time` integer NOT NULL,
	`ip` text NOT NULL,
	`username_key` text
);
--> statement-breakpoint
CREATE INDEX `login_failures_ip_time_idx` ON `login_failures` (`ip`,`time`);--> statement-breakpoint
CREATE INDEX `login_failures_user_time_idx` ON `login_failures` (`username_key`,`time`);--> statement-breakpoint
CREATE INDEX `login_failures_time_idx` ON `login_failures` (`time`);--> statement-breakpoint
CREATE TABLE `secrets` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`user_id` integer,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ip` text,
	`user_agent` text,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_hash_idx` ON `sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `setup_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `setup_tokens_hash_idx` ON `setup_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text DEFAULT 'viewer' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	CONSTRAINT "users_role_check" CHECK("users"."role" in ('admin', 'operator', 'viewer'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_lower_idx` ON `users` (lower("username"));--> statement-breakpoint
CREATE INDEX `users_role_idx` ON `users` (`role`);