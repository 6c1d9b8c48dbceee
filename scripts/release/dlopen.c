/*
 * dlopen FILE: loads a Node-API module with every symbol resolved now (RTLD_NOW) and looks up
 * its entry point, without calling it. scripts/release/check-binary.sh builds this with
 * musl-gcc, so that musl's own dynamic loader proves a musl build loads against musl's libc
 * alone. The module's napi_* and uv_* calls are looked up when Node registers it (napi-rs's
 * dyn-symbols), so nothing of Node is needed here.
 */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    void *module = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (module == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    if (dlsym(module, "napi_register_module_v1") == NULL) {
        fprintf(stderr, "dlsym napi_register_module_v1: %s\n", dlerror());
        return 1;
    }
    return 0;
}
