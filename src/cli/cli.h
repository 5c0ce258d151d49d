#pragma once
/*
 * The command line: `newsdesk SUBCOMMAND [options]`, one file per
 * subcommand (git's builtin/). Every subcommand takes every configuration
 * option as a flag (see config/config.h for the precedence of defaults,
 * --config file, NEWSDESK_* environment and flags) and answers --help.
 */

/* Runs the command line; returns the process exit status. */
int nd_cli_main(int argc, char **argv);
