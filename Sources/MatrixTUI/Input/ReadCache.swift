import Foundation
import PolicyKit

/// Files read before, with what `stat` said of them, so that a reload of thousands of files
/// reads only those that changed.
///
/// A file is taken from the cache only if its device, inode, size, modification and change
/// times are the same and it had not been modified in the second before it was read: a write
/// in the same clock tick as the one read could leave the times unchanged.
struct ReadCache {
  struct Entry {
    var signature: [Int]
    /// When the bytes were read (seconds, wall clock).
    var readAt: Double
    var bytes: [UInt8]

    /// Whether the file's last change was well before it was read.
    var isSettled: Bool {
      Double(signature[3]) + Double(signature[4]) / 1e9 < readAt - 1
    }
  }
  var entries: [String: Entry] = [:]
  /// The files the arguments stood for at the last search of the directories.
  struct Listing {
    var arguments: [String]
    var files: [String]
  }
  var listing: Listing?
  /// Whether the last read searched the directories again or kept the listing.
  enum ListingUse { case searched, kept }
  var lastListing = ListingUse.searched
  /// How many files the last read read (the others were taken from the cache).
  var lastRead = 0

  /// Device, inode, size, modification and change times of a regular file.
  static func signature(_ path: String) -> [Int]? {
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    return signature(of: info)
  }

  /// The signature of a regular file's `stat`.
  static func signature(of info: stat) -> [Int] {
    [
      Int(info.st_dev), Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec),
      Int(info.st_mtim.tv_nsec), Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec),
    ]
  }

  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
