// Sizes libuv's thread pool before anything uses it. The hub's copies read,
// write and fsync on that pool (screening reads and the embedded database use it
// too); with libuv's default of 4 threads, four checkpoint fsyncs of parallel
// copies stall every other read and write of the process until they return.
// An operator's own UV_THREADPOOL_SIZE wins.
process.env.UV_THREADPOOL_SIZE ??= '64';
