// Symbol visibility for the host library: everything is hidden unless marked.
#pragma once

#if defined(TENSORPLUG_STATIC)
#define TENSORPLUG_API
#elif defined(_WIN32) || defined(__CYGWIN__)
#ifdef TENSORPLUG_BUILDING_HOST
#define TENSORPLUG_API __declspec(dllexport)
#else
#define TENSORPLUG_API __declspec(dllimport)
#endif
#else
#define TENSORPLUG_API __attribute__((visibility("default")))
#endif
