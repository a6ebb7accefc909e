/// Windows time-zone names, as Outlook and Exchange write them in `TZID`, mapped to IANA names.
///
/// The data is the "001" (default territory) rows of the CLDR `windowsZones.xml` table for
/// the commonly used zones. The IANA name is then resolved through the system tz database.
enum WindowsTimeZones {
    /// The IANA name for a Windows zone name, or `nil` when the name is not in the table.
    static func ianaName(for windowsName: String) -> String? {
        lookup[windowsName.trimmingCharacters(in: .whitespaces)]
    }

    /// The IANA names of the table, in table order, without repeats.
    static let ianaNames: [String] = {
        var seen: Set<String> = []
        return table.map(\.iana).filter { seen.insert($0).inserted }
    }()

    private static let lookup = Dictionary(table.map { ($0.windows, $0.iana) }) { first, _ in first }

    /// The mapping, most used zone of each offset first.
    private static let table: [(windows: String, iana: String)] = [
        ("Dateline Standard Time", "Etc/GMT+12"),
        ("UTC-11", "Etc/GMT+11"),
        ("Hawaiian Standard Time", "Pacific/Honolulu"),
        ("Alaskan Standard Time", "America/Anchorage"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("Pacific Standard Time (Mexico)", "America/Tijuana"),
        ("Mountain Standard Time", "America/Denver"),
        ("US Mountain Standard Time", "America/Phoenix"),
        ("Mountain Standard Time (Mexico)", "America/Mazatlan"),
        ("Central Standard Time", "America/Chicago"),
        ("Central America Standard Time", "America/Guatemala"),
        ("Central Standard Time (Mexico)", "America/Mexico_City"),
        ("Canada Central Standard Time", "America/Regina"),
        ("Eastern Standard Time", "America/New_York"),
        ("SA Pacific Standard Time", "America/Bogota"),
        ("US Eastern Standard Time", "America/Indiana/Indianapolis"),
        ("Venezuela Standard Time", "America/Caracas"),
        ("Atlantic Standard Time", "America/Halifax"),
        ("SA Western Standard Time", "America/La_Paz"),
        ("Pacific SA Standard Time", "America/Santiago"),
        ("Newfoundland Standard Time", "America/St_Johns"),
        ("E. South America Standard Time", "America/Sao_Paulo"),
        ("Argentina Standard Time", "America/Argentina/Buenos_Aires"),
        ("Greenland Standard Time", "America/Nuuk"),
        ("UTC-02", "Etc/GMT+2"),
        ("Azores Standard Time", "Atlantic/Azores"),
        ("Cape Verde Standard Time", "Atlantic/Cape_Verde"),
        ("UTC", "Etc/UTC"),
        ("Coordinated Universal Time", "Etc/UTC"),
        ("GMT Standard Time", "Europe/London"),
        ("Greenwich Standard Time", "Atlantic/Reykjavik"),
        ("Morocco Standard Time", "Africa/Casablanca"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Central Europe Standard Time", "Europe/Budapest"),
        ("Romance Standard Time", "Europe/Paris"),
        ("Central European Standard Time", "Europe/Warsaw"),
        ("W. Central Africa Standard Time", "Africa/Lagos"),
        ("GTB Standard Time", "Europe/Bucharest"),
        ("E. Europe Standard Time", "Europe/Chisinau"),
        ("FLE Standard Time", "Europe/Kiev"),
        ("Egypt Standard Time", "Africa/Cairo"),
        ("South Africa Standard Time", "Africa/Johannesburg"),
        ("Israel Standard Time", "Asia/Jerusalem"),
        ("Turkey Standard Time", "Europe/Istanbul"),
        ("Jordan Standard Time", "Asia/Amman"),
        ("Arabic Standard Time", "Asia/Baghdad"),
        ("Arab Standard Time", "Asia/Riyadh"),
        ("Russian Standard Time", "Europe/Moscow"),
        ("E. Africa Standard Time", "Africa/Nairobi"),
        ("Iran Standard Time", "Asia/Tehran"),
        ("Arabian Standard Time", "Asia/Dubai"),
        ("Afghanistan Standard Time", "Asia/Kabul"),
        ("Pakistan Standard Time", "Asia/Karachi"),
        ("West Asia Standard Time", "Asia/Tashkent"),
        ("India Standard Time", "Asia/Kolkata"),
        ("Sri Lanka Standard Time", "Asia/Colombo"),
        ("Nepal Standard Time", "Asia/Kathmandu"),
        ("Central Asia Standard Time", "Asia/Almaty"),
        ("Bangladesh Standard Time", "Asia/Dhaka"),
        ("Myanmar Standard Time", "Asia/Yangon"),
        ("SE Asia Standard Time", "Asia/Bangkok"),
        ("N. Central Asia Standard Time", "Asia/Novosibirsk"),
        ("China Standard Time", "Asia/Shanghai"),
        ("North Asia East Standard Time", "Asia/Irkutsk"),
        ("Singapore Standard Time", "Asia/Singapore"),
        ("W. Australia Standard Time", "Australia/Perth"),
        ("Taipei Standard Time", "Asia/Taipei"),
        ("Tokyo Standard Time", "Asia/Tokyo"),
        ("Korea Standard Time", "Asia/Seoul"),
        ("Cen. Australia Standard Time", "Australia/Adelaide"),
        ("AUS Central Standard Time", "Australia/Darwin"),
        ("E. Australia Standard Time", "Australia/Brisbane"),
        ("AUS Eastern Standard Time", "Australia/Sydney"),
        ("West Pacific Standard Time", "Pacific/Port_Moresby"),
        ("Tasmania Standard Time", "Australia/Hobart"),
        ("Vladivostok Standard Time", "Asia/Vladivostok"),
        ("Central Pacific Standard Time", "Pacific/Guadalcanal"),
        ("New Zealand Standard Time", "Pacific/Auckland"),
        ("Fiji Standard Time", "Pacific/Fiji"),
        ("Tonga Standard Time", "Pacific/Tongatapu"),
        ("Samoa Standard Time", "Pacific/Apia"),
        ("tzone://Microsoft/Utc", "Etc/UTC"),
    ]
}
