/*
 * bcryptprimitives.dll for wine 8.0, which lacks it: Rust's std (1.78+) imports ProcessPrng
 * from it for HashMap seeds and the like, so without it no Rust test binary starts.
 * ProcessPrng is forwarded to advapi32's SystemFunction036 (RtlGenRandom), which wine has.
 * Only ever copied into the throwaway wine prefix of scripts/cross/check-windows.sh.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    /* RtlGenRandom takes a ULONG length: feed larger requests in chunks. */
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
