/*
 * Linked into every fuzz target: libFuzzer calls this once before the
 * first input. Errors are expected on every other input, and logging them
 * would cost more than the parse.
 */
#include "core/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	nd_log_level = ND_LOG_NONE;
	return 0;
}
