//! placeholder: route analysis (being written)
