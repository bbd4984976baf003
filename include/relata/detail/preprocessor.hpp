#pragma once
// Internal preprocessor helpers for RELATA_MODEL: a __VA_OPT__-based FOR_EACH that
// handles up to 342 arguments (four levels of 4x rescans), so models with hundreds of
// members work. Every macro here is prefixed RELATA_DETAIL_ and is not public API.

#define RELATA_DETAIL_PARENS ()
#define RELATA_DETAIL_EXPAND(...) \
    RELATA_DETAIL_EXPAND4(RELATA_DETAIL_EXPAND4(RELATA_DETAIL_EXPAND4(RELATA_DETAIL_EXPAND4(__VA_ARGS__))))
#define RELATA_DETAIL_EXPAND4(...) \
    RELATA_DETAIL_EXPAND3(RELATA_DETAIL_EXPAND3(RELATA_DETAIL_EXPAND3(RELATA_DETAIL_EXPAND3(__VA_ARGS__))))
#define RELATA_DETAIL_EXPAND3(...) \
    RELATA_DETAIL_EXPAND2(RELATA_DETAIL_EXPAND2(RELATA_DETAIL_EXPAND2(RELATA_DETAIL_EXPAND2(__VA_ARGS__))))
#define RELATA_DETAIL_EXPAND2(...) \
    RELATA_DETAIL_EXPAND1(RELATA_DETAIL_EXPAND1(RELATA_DETAIL_EXPAND1(RELATA_DETAIL_EXPAND1(__VA_ARGS__))))
#define RELATA_DETAIL_EXPAND1(...) __VA_ARGS__

/// Calls macro(context, argument) for every argument.
#define RELATA_DETAIL_FOR_EACH(macro, context, ...) \
    __VA_OPT__(RELATA_DETAIL_EXPAND(RELATA_DETAIL_FOR_EACH_STEP(macro, context, __VA_ARGS__)))
#define RELATA_DETAIL_FOR_EACH_STEP(macro, context, first, ...) \
    macro(context, first) __VA_OPT__(RELATA_DETAIL_FOR_EACH_AGAIN RELATA_DETAIL_PARENS(macro, context, __VA_ARGS__))
#define RELATA_DETAIL_FOR_EACH_AGAIN() RELATA_DETAIL_FOR_EACH_STEP
