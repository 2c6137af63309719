"""Word lists the sample dataset is generated from: cities, names, shop names, devices.

Kept apart from the generator so the generator reads as logic and this reads as data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, timezone

WIB = timezone(timedelta(hours=7))  # Western Indonesia Time: Java, Sumatra
WITA = timezone(timedelta(hours=8))  # Central Indonesia Time: Bali, Sulawesi, Kalimantan Timur


@dataclass(frozen=True)
class City:
    """Where a merchant trades: its time zone, postcodes, streets and the local names."""

    name: str
    zone: timezone
    postcode: int  # the first postcode of the city; addresses add a small offset
    names: str  # key of NAMES: the naming tradition most owners there follow
    streets: tuple[str, ...]
    districts: tuple[str, ...]


CITIES: tuple[City, ...] = (
    City(
        "Jakarta Barat",
        WIB,
        11110,
        "java",
        ("Jl. Tanjung Duren Raya", "Jl. Daan Mogot", "Jl. Kebon Jeruk Raya", "Jl. Hayam Wuruk"),
        ("Grogol Petamburan", "Kebon Jeruk", "Taman Sari", "Cengkareng"),
    ),
    City(
        "Jakarta Selatan",
        WIB,
        12110,
        "java",
        ("Jl. Kemang Raya", "Jl. Fatmawati", "Jl. Tebet Raya", "Jl. Radio Dalam"),
        ("Kebayoran Baru", "Mampang Prapatan", "Tebet", "Cilandak"),
    ),
    City(
        "Jakarta Timur",
        WIB,
        13110,
        "java",
        ("Jl. Pemuda", "Jl. Dewi Sartika", "Jl. Raya Bogor", "Jl. Kalimalang"),
        ("Rawamangun", "Cawang", "Duren Sawit", "Pulo Gadung"),
    ),
    City(
        "Jakarta Pusat",
        WIB,
        10110,
        "java",
        ("Jl. Pasar Baru", "Jl. Cikini Raya", "Jl. Salemba Raya", "Jl. Kramat Raya"),
        ("Sawah Besar", "Menteng", "Senen", "Tanah Abang"),
    ),
    City(
        "Jakarta Utara",
        WIB,
        14110,
        "java",
        ("Jl. Pluit Raya", "Jl. Boulevard Raya", "Jl. Enggano", "Jl. Yos Sudarso"),
        ("Penjaringan", "Kelapa Gading", "Tanjung Priok", "Koja"),
    ),
    City(
        "Bandung",
        WIB,
        40111,
        "sunda",
        ("Jl. Dago", "Jl. Riau", "Jl. Buah Batu", "Jl. Cihampelas", "Jl. Braga"),
        ("Coblong", "Bandung Wetan", "Lengkong", "Sukajadi"),
    ),
    City(
        "Surabaya",
        WIB,
        60111,
        "java",
        ("Jl. Tunjungan", "Jl. Darmo", "Jl. Kertajaya", "Jl. Rungkut Industri"),
        ("Genteng", "Wonokromo", "Gubeng", "Rungkut"),
    ),
    City(
        "Medan",
        WIB,
        20111,
        "batak",
        ("Jl. Gatot Subroto", "Jl. Sisingamangaraja", "Jl. Asia", "Jl. Setia Budi"),
        ("Medan Baru", "Medan Kota", "Medan Petisah", "Medan Sunggal"),
    ),
    City(
        "Makassar",
        WITA,
        90111,
        "bugis",
        ("Jl. Somba Opu", "Jl. Pettarani", "Jl. Perintis Kemerdekaan", "Jl. Sultan Alauddin"),
        ("Ujung Pandang", "Rappocini", "Tamalanrea", "Panakkukang"),
    ),
    City(
        "Denpasar",
        WITA,
        80111,
        "bali",
        ("Jl. Teuku Umar", "Jl. Gatot Subroto Barat", "Jl. Hayam Wuruk", "Jl. Sanur Raya"),
        ("Denpasar Barat", "Denpasar Selatan", "Denpasar Timur", "Denpasar Utara"),
    ),
    City(
        "Yogyakarta",
        WIB,
        55111,
        "java",
        ("Jl. Malioboro", "Jl. Kaliurang", "Jl. Parangtritis", "Jl. Prawirotaman"),
        ("Gondomanan", "Mergangsan", "Umbulharjo", "Jetis"),
    ),
    City(
        "Semarang",
        WIB,
        50111,
        "java",
        ("Jl. Pandanaran", "Jl. Pemuda", "Jl. Gajahmada", "Jl. Setiabudi"),
        ("Semarang Tengah", "Candisari", "Banyumanik", "Tembalang"),
    ),
    City(
        "Malang",
        WIB,
        65111,
        "java",
        ("Jl. Ijen", "Jl. Soekarno Hatta", "Jl. Kawi", "Jl. Borobudur"),
        ("Klojen", "Lowokwaru", "Blimbing", "Sukun"),
    ),
    City(
        "Bogor",
        WIB,
        16111,
        "sunda",
        ("Jl. Pajajaran", "Jl. Suryakencana", "Jl. Sholeh Iskandar", "Jl. Dramaga"),
        ("Bogor Tengah", "Bogor Utara", "Tanah Sareal", "Bogor Barat"),
    ),
)

# Given names and family names by naming tradition. Balinese names are built from a birth-order
# name ("I Wayan", "Ni Made") and a personal name, so both lists hold what comes first and last.
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "java": (
        ("Agus", "Slamet", "Joko", "Bambang", "Sri", "Dewi", "Wahyu", "Endang", "Hadi", "Rini")
        + ("Yuni", "Eko", "Sigit", "Lestari", "Bayu", "Fitri", "Hendra", "Indah", "Teguh", "Yanti"),
        ("Santoso", "Wibowo", "Susanto", "Purnomo", "Hartono", "Setiawan", "Prasetyo", "Nugroho")
        + ("Kurniawan", "Wijaya", "Handayani", "Rahayu", "Saputra", "Utomo", "Gunawan", "Halim"),
    ),
    "sunda": (
        ("Asep", "Dadang", "Ujang", "Cecep", "Euis", "Neneng", "Yayan", "Iwan", "Rina", "Dedi"),
        (
            "Hidayat",
            "Sutisna",
            "Permana",
            "Suryana",
            "Kurniasih",
            "Ramdani",
            "Supriatna",
            "Rustandi",
        ),
    ),
    "batak": (
        ("Ucok", "Rudy", "Maria", "Hotman", "Dame", "Togar", "Rosmawati", "Lamhot", "Sahat"),
        (
            "Siregar",
            "Nasution",
            "Hasibuan",
            "Simanjuntak",
            "Harahap",
            "Lubis",
            "Sinaga",
            "Panjaitan",
        ),
    ),
    "bali": (
        ("I Wayan", "I Made", "I Nyoman", "I Ketut", "Ni Putu", "Ni Made", "Ni Kadek", "I Gede"),
        ("Sudarma", "Artawan", "Suastika", "Widiasih", "Ariani", "Mahendra", "Wirawan", "Astuti"),
    ),
    "bugis": (
        ("Andi", "Muhammad", "Siti", "Nurhayati", "Syamsul", "Hasanuddin", "Rahmawati", "Ilham"),
        ("Mappanganro", "Rahman", "Hamid", "Baso", "Tahir", "Mattalatta", "Amir", "Daeng Naba"),
    ),
}


@dataclass(frozen=True)
class Category:
    """A kind of business: how its shops are named and what its customers pay (IDR)."""

    name: str
    weight: int
    templates: tuple[str, ...]  # "{w}" is a shop-name word
    min_amount: int
    max_amount: int


CATEGORIES: tuple[Category, ...] = (
    Category("Grocery", 18, ("Toko {w}", "Warung {w}", "Minimarket {w}", "Toko Kelontong {w}"),
             5_000, 450_000),
    Category("Restaurant", 14, ("Warung Makan {w}", "Rumah Makan {w}", "Sate {w}", "Bakso {w}"),
             15_000, 250_000),
    Category("Coffee shop", 10, ("Kedai Kopi {w}", "Kopi {w}", "Kedai {w}"), 18_000, 120_000),
    Category("Bakery", 7, ("Toko Roti {w}", "Bakery {w}", "Roti {w}"), 8_000, 300_000),
    Category("Pharmacy", 8, ("Apotek {w}", "Apotek {w} Farma"), 12_000, 850_000),
    Category("Auto repair", 7, ("Bengkel {w}", "Bengkel Motor {w}", "Tambal Ban {w}"),
             25_000, 1_750_000),
    Category("Laundry", 7, ("Laundry {w}", "{w} Laundry"), 15_000, 180_000),
    Category("Phone & credit", 6, ("Konter Pulsa {w}", "{w} Cell"), 10_000, 3_500_000),
    Category("Fashion", 5, ("Butik {w}", "Toko Baju {w}"), 75_000, 1_200_000),
    Category("Beauty salon", 5, ("Salon {w}", "Barbershop {w}"), 25_000, 450_000),
    Category("Printing", 4, ("Fotokopi {w}", "Percetakan {w}"), 2_000, 250_000),
)  # fmt: skip

SHOP_WORDS = (
    "Makmur", "Sejahtera", "Berkah", "Abadi", "Sentosa", "Barokah", "Mulia", "Lestari",
    "Harapan", "Mandiri", "Cahaya", "Bintang", "Mawar", "Melati", "Anggrek", "Nusantara",
    "Merdeka", "Sumber Rezeki", "Maju Bersama", "Sinar Terang", "Kencana", "Permata",
    "Sederhana", "Segar", "Gemilang", "Bahagia", "Murni", "Indah", "Rejeki", "Pelangi",
)  # fmt: skip

# Indonesian mobile prefixes (after +62) of Telkomsel, Indosat, XL, Axis, Tri and Smartfren.
MOBILE_PREFIXES = (
    "811", "812", "813", "821", "822", "823", "852", "853", "814", "815", "816", "855",
    "856", "857", "858", "817", "818", "819", "859", "877", "878", "831", "832", "838",
    "895", "896", "897", "898", "899", "881", "882", "887", "888",
)  # fmt: skip

EMAIL_DOMAINS = ("example.id", "example.co.id", "mail.example.com")

# Card terminals (EDC) and the app versions in the field, newest first.
DEVICE_MODELS = (
    ("PAX A920", "A920"),
    ("Sunmi P2 Pro", "P2P"),
    ("Ingenico Move/5000", "M5K"),
    ("Verifone X990", "X990"),
    ("Sunmi V2s", "V2S"),
)
APP_VERSIONS = ("4.12.1", "4.12.0", "4.11.3", "4.10.0", "3.9.8")

BILLING_PLANS = {"Basic": 49_000, "Pro": 99_000, "Enterprise": 299_000}
BILLING_METHODS = (
    "Auto-debit BCA",
    "Virtual Account Mandiri",
    "Virtual Account BNI",
    "Virtual Account BRI",
    "Credit card",
    "GoPay",
)

SUSPENSION_REASONS = (
    "Chargeback ratio above 1% — under review by Risk",
    "Settlement account name does not match the owner's ID",
    "Reported for selling prohibited goods (case RISK-1873)",
)
