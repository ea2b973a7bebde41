"""The HS6 products of the trade data: descriptions, unit values and Comtrade quantity units."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HS6:
    code: str
    desc: str
    usd_per_kg: float
    unit: str = "kg"  # Comtrade quantity unit: kg or u (number of items)
    per_kg: float = 1.0  # items per kg when unit is u


_RC = (
    "Unmanned aircraft; for remote-controlled flight only, for other than for carriage of "
    "passengers, with the maximum take-off weight of "
)
_AUTO = (
    "Unmanned aircraft; for other than remote-controlled flight and other than for carriage of "
    "passengers with a maximum take-off weight "
)

HS = {
    h.code: h
    for h in [
        HS6(
            "854231",
            "Electronic integrated circuits; processors and controllers, whether or not "
            "combined with memories, converters, logic circuits, amplifiers, clock and timing "
            "circuits, or other circuits",
            2600,
            "u",
            450,
        ),
        HS6("854232", "Electronic integrated circuits; memories", 1900, "u", 300),
        HS6("854233", "Electronic integrated circuits; amplifiers", 1500, "u", 700),
        HS6("854239", "Electronic integrated circuits; n.e.c. in heading no. 8542", 1300, "u", 600),
        HS6(
            "880220",
            "Aeroplanes and other aircraft; of an unladen weight not exceeding 2000kg",
            260,
            "u",
            0.8,
        ),
        HS6("880330", "Aircraft; parts of aeroplanes or helicopters n.e.c. in heading no. 8803", 120),
        HS6(
            "880621",
            _RC + "not more than 250g",
            900,
            "u",
            5,
        ),
        HS6(
            "880622",
            _RC + "more than 250g but not more than 7kg",
            420,
            "u",
            0.6,
        ),
        HS6(
            "880623",
            _RC + "more than 7kg but not more than 25kg",
            380,
            "u",
            0.08,
        ),
        HS6(
            "880624",
            _RC + "more than 25kg but not more than 150kg",
            300,
            "u",
            0.015,
        ),
        HS6(
            "880629",
            _RC + "more than 150kg",
            250,
            "u",
            0.004,
        ),
        HS6(
            "880691",
            _AUTO + "not more than 250g",
            800,
            "u",
            5,
        ),
        HS6(
            "880692",
            _AUTO + "more than 250g but not more than 7kg",
            400,
            "u",
            0.6,
        ),
        HS6(
            "880693",
            _AUTO + "more than 7kg but not more than 25kg",
            350,
            "u",
            0.08,
        ),
        HS6(
            "880694",
            _AUTO + "more than 25kg but not more than 150kg",
            300,
            "u",
            0.015,
        ),
        HS6(
            "880699",
            _AUTO + "more than 150kg",
            250,
            "u",
            0.004,
        ),
        HS6(
            "880730",
            "Aircraft and spacecraft; parts of aeroplanes, helicopters or unmanned aircraft "
            "n.e.c. in heading no. 8807",
            130,
        ),
        HS6("281820", "Aluminium oxide; other than artificial corundum", 0.45),
        HS6(
            "690912",
            "Ceramic wares; for laboratory, chemical or other technical uses, articles "
            "having a hardness equivalent to 9 or more on the Mohs scale",
            7.5,
        ),
        HS6("691490", "Ceramic articles n.e.c. in chapter 69; other than of porcelain or china", 1.9),
        HS6("845710", "Machining centres; for working metal", 16, "u", 0.0002),
        HS6(
            "845811",
            "Lathes; for removing metal, horizontal, numerically controlled",
            12,
            "u",
            0.0003,
        ),
        HS6(
            "845961",
            "Machine-tools; for milling by removing metal, (not knee-type), numerically controlled",
            14,
            "u",
            0.0003,
        ),
        HS6(
            "846693",
            "Parts & accessories suited for use solely/principally with machines of "
            "headings 8456-8465; n.e.c. in heading no. 8466",
            22,
        ),
        HS6("848210", "Ball bearings", 6.5, "u", 8),
        HS6(
            "848220",
            "Bearings; tapered roller bearings, including cone and tapered roller assemblies",
            5.5,
            "u",
            2,
        ),
        HS6(
            "851762",
            "Communication apparatus (excluding telephone sets or base stations); machines "
            "for the reception, conversion and transmission or regeneration of voice, images or "
            "other "
            "data, including switching and routing apparatus",
            70,
            "u",
            2,
        ),
        HS6("852580", "Television cameras, digital cameras and video camera recorders", 140, "u", 3),
        HS6("852589", "Television cameras; n.e.c. in item no 8525.8", 150, "u", 3),
        HS6("901380", "Optical devices, appliances and instruments; n.e.c. in heading no. 9013", 90),
        HS6(
            "901310",
            "Optical appliances and instruments; telescopic sights for fitting to arms; "
            "periscopes; telescopes designed to form parts of machines, appliances, instruments or "
            "apparatus of this chapter",
            160,
            "u",
            1.5,
        ),
        HS6(
            "900580",
            "Monoculars; other optical telescopes and astronomical instruments, excluding "
            "instruments for radio-astronomy",
            110,
            "u",
            2,
        ),
        HS6("080810", "Fruit, edible; apples, fresh", 0.95),
        HS6(
            "300490",
            "Medicaments; consisting of mixed or unmixed products n.e.c. in heading no. "
            "3004, for therapeutic or prophylactic uses, packaged for retail sale",
            38,
        ),
        HS6(
            "940360",
            "Furniture; wooden, other than for office, kitchen or bedroom use",
            2.6,
            "u",
            0.05,
        ),
        HS6(
            "847150",
            "Units of automatic data processing machines; processing units other than those "
            "of item no. 8471.41 or 8471.49",
            75,
            "u",
            0.08,
        ),
        HS6(
            "847180",
            "Units of automatic data processing machines; n.e.c. in item no. 8471.50, 8471.60 or 8471.70",
            85,
            "u",
            0.5,
        ),
        HS6(
            "854110",
            "Electrical apparatus; diodes, other than photosensitive or light-emitting diodes (LED)",
            420,
            "u",
            2000,
        ),
        HS6("090121", "Coffee; roasted, not decaffeinated", 9.5),
        HS6("210690", "Food preparations; n.e.c. in item no. 2106.10", 4.2),
    ]
}
