/*
 * version: what "supervisord -v" and "supervisorctl version" print.
 */
#ifndef SUPERVISORD_VERSION_H
#define SUPERVISORD_VERSION_H

#define SUPERVISORD_VERSION	"0.1.0"

#endif /* SUPERVISORD_VERSION_H */
