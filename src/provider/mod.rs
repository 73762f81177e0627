//! natsforge itself: the provider schema, its resources and data sources.
