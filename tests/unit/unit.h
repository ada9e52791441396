/*
 * unit.h - what the Check programs share: UNIT_MAIN(suite) runs the suite
 * the function suite() makes and exits 0 only if every check passed.
 */
#ifndef IMAPSH_TESTS_UNIT_H
#define IMAPSH_TESTS_UNIT_H

#include <check.h>
#include <stdlib.h>

#define UNIT_MAIN(make_suite)                                   \
	int main(void)                                          \
	{                                                       \
		SRunner *sr = srunner_create(make_suite());     \
		int failed;                                     \
		srunner_run_all(sr, CK_NORMAL);                 \
		failed = srunner_ntests_failed(sr);             \
		srunner_free(sr);                               \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;    \
	}

#endif
