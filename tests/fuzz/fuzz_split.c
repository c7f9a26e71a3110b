/*
 * fuzz_split: libFuzzer over proc_split.  Besides memory errors it checks
 * what the contract promises: argv is NULL-terminated with argc words, no
 * word is longer than the input, and an error leaves a message and EINVAL.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libproc/split.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*line, **argv;
	const char	*err;
	size_t		 argc, i;

	/* A C string: the input up to its first NUL. */
	if ((line = malloc(size + 1)) == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	argv = NULL;
	err = NULL;
	errno = 0;
	if (proc_split(line, &argv, &argc, &err) == 0) {
		for (i = 0; i < argc; i++)
			if (argv[i] == NULL || strlen(argv[i]) > strlen(line))
				abort();
		if (argv[argc] != NULL)
			abort();
		proc_split_free(argv);
	} else if (err == NULL || errno != EINVAL)
		abort();
	free(line);
	return 0;
}
