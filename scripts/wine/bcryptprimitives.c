/* Stand-in for Windows 10's bcryptprimitives.dll, which Wine 8 lacks: Rust's
 * standard library takes its random bytes from ProcessPrng. Only for running the
 * release's Windows binary under Wine on the build machine; never shipped. */
#include <windows.h>

#define RtlGenRandom SystemFunction036
BOOLEAN WINAPI RtlGenRandom(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!RtlGenRandom(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
