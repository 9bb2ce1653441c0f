# Point-cloud readers (PCD incl. LZF, PLY, LAS, raw KITTI/nuScenes floats). The reader sources
# are compiled into the fuzzer so libFuzzer's coverage instrumentation sees them.
set(QS_LIDAR_SRC ${PROJECT_SOURCE_DIR}/core/src/lidar)
qs_add_fuzzer(fuzz_lidar_point_cloud SOURCES lidar_point_cloud_fuzzer.cpp
  ${QS_LIDAR_SRC}/point_cloud.cpp ${QS_LIDAR_SRC}/pcd_reader.cpp ${QS_LIDAR_SRC}/ply_reader.cpp
  ${QS_LIDAR_SRC}/las_reader.cpp ${QS_LIDAR_SRC}/lzf.cpp)
