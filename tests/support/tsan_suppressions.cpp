// ThreadSanitizer suppressions, compiled into tensorplug_tsan_tests so that
// they apply however the tests are started (ctest or by hand).
//
// glibc >= 2.34 serialises dlopen and dlclose with its loader lock
// (GL(dl_load_lock)), taken inside ld.so through an internal alias of
// pthread_mutex_lock that ThreadSanitizer does not intercept. It does intercept
// the malloc/free that ld.so makes once relocated, so memory that one thread's
// dlopen allocates (add_name_to_object, _dl_check_map_versions) and another
// thread's dlclose frees (_dl_close_worker) looks unsynchronised although the
// loader lock orders the two. The report has only ld.so frames above Boost.DLL;
// no tensorplug data is involved.
// Only those loader functions are named, so a real race in our own load and
// unload code still fails the run.
extern "C" {

// Read by the TSan runtime at start-up (a documented weak hook).
__attribute__((visibility("default"))) const char*
__tsan_default_suppressions() {
  return "race:_dl_close_worker\n"
         "race:_dl_open_worker\n"
         "race:dl_open_worker\n";
}

}  // extern "C"
