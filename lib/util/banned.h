/* Functions banned in library code (after git's banned.h): unbounded copies,
 * formatted writes without a size, non-reentrant tokenizers, and number
 * parsers without error reporting. Included last by lib/util/internal.h, so a
 * use in lib/ is a compile error. scripts/check-banned also greps for them. */
#ifndef CG_BANNED_H
#define CG_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_cguard

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atoll
#define atoll(x) BANNED(atoll)
#undef atof
#define atof(x) BANNED(atof)
#undef sscanf
#define sscanf(...) BANNED(sscanf)
#undef asctime
#define asctime(x) BANNED(asctime)
#undef ctime
#define ctime(x) BANNED(ctime)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
