// Detached threads for RNNKit's thread pool: one C signature on every platform, where
// pthread_create's Swift import differs between Glibc and Darwin.
#include "CRNNKernels.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

typedef struct thread_start { void (*body)(void *); void *context; } thread_start;

static void *thread_main(void *argument) {
    thread_start start = *(thread_start *)argument;
    free(argument);
    start.body(start.context);
    return NULL;
}

int crnn_thread_start(void (*body)(void *context), void *context) {
    thread_start *start = malloc(sizeof *start);
    if (start == NULL) return ENOMEM;
    start->body = body;
    start->context = context;
    pthread_attr_t attributes;
    int error = pthread_attr_init(&attributes);
    if (error == 0) {
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        pthread_t thread;
        error = pthread_create(&thread, &attributes, thread_main, start);
        pthread_attr_destroy(&attributes);
    }
    if (error != 0) free(start);
    return error;
}
