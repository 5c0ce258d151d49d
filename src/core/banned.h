#pragma once
/*
 * Functions that invite overflows or hidden state are poisoned: naming one
 * in our code is a compile error (git banned.h). Use nd_buf, snprintf or
 * memcpy with a length. The build force-includes this file; the system
 * headers come first so their own declarations are not poisoned.
 */
#ifndef __ASSEMBLER__
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC poison strcpy strcat strncpy strncat sprintf vsprintf strtok gets
#endif
