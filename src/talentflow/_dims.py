"""Names of dimensions, variables and groups: the vocabulary of talentflow's API.

Every labelled object talentflow accepts or returns uses these names, so they are
defined once here and imported everywhere else.
"""

from typing import Final

# Dimensions
TIME: Final = "time"
SECTOR: Final = "sector"
DESTINATION: Final = "destination"
SHOCK: Final = "shock"
CHAIN: Final = "chain"
DRAW: Final = "draw"
SAMPLE_DIMS: Final = (CHAIN, DRAW)

# Input variables of the outflow model
OUTFLOW: Final = "outflow"
OUTFLOW_TOTAL: Final = "outflow_total"
WORKFORCE: Final = "workforce"

# Posterior variables of the outflow model
BASELINE: Final = "baseline"
BASELINE_MEAN: Final = "baseline_mean"
BASELINE_SD: Final = "baseline_sd"
TREND: Final = "trend"
TREND_SLOPE: Final = "trend_slope"
TREND_SIGMA: Final = "trend_sigma"
TREND_SCALE: Final = "trend_scale"
SLOPE_SIGMA: Final = "slope_sigma"
SHOCK_EFFECT: Final = "shock_effect"
SHOCK_MEAN: Final = "shock_mean"
SHOCK_SECTOR_SD: Final = "shock_sector_sd"
SHOCK_DECAY: Final = "shock_decay"
SHOCK_SLOWING: Final = "shock_slowing"
DESTINATION_PREFERENCE: Final = "destination_preference"
DESTINATION_SECTOR_SD: Final = "destination_sector_sd"
DESTINATION_SHARE: Final = "destination_share"
OVERDISPERSION: Final = "overdispersion"
OUTFLOW_RATE: Final = "outflow_rate"

# Forecast variables
EXPECTED_OUTFLOW: Final = "expected_outflow"

# Groups of the DataTree a fit or forecast returns
POSTERIOR: Final = "posterior"
PRIOR: Final = "prior"
PRIOR_PREDICTIVE: Final = "prior_predictive"
POSTERIOR_PREDICTIVE: Final = "posterior_predictive"
SAMPLE_STATS: Final = "sample_stats"
OBSERVED_DATA: Final = "observed_data"
CONSTANT_DATA: Final = "constant_data"
PREDICTIONS: Final = "predictions"
PREDICTIONS_CONSTANT_DATA: Final = "predictions_constant_data"

# Return model: dims, input and posterior variables
MONTHS_ABROAD: Final = "months_abroad"
COHORT_GROUP: Final = "cohort_group"
RETURNS: Final = "returns"
DEPARTURES: Final = "departures"
HAZARD_LEVEL: Final = "hazard_level"
HAZARD_SCALE: Final = "hazard_scale"
HAZARD_SHAPE: Final = "hazard_shape"
SECTOR_EFFECT: Final = "sector_effect"
SECTOR_SD: Final = "sector_sd"
DESTINATION_EFFECT: Final = "destination_effect"
DESTINATION_SD: Final = "destination_sd"
WAVE_EFFECT: Final = "wave_effect"
RETURN_HAZARD: Final = "return_hazard"
STOCK_ABROAD: Final = "stock_abroad"
STOCK_BY_COHORT: Final = "stock_abroad_by_cohort"
EXPECTED_RETURNS: Final = "expected_returns"
NET_OUTFLOW: Final = "net_outflow"
SHARE_BACK: Final = "share_back"
SHARE_BACK_TOTAL: Final = "share_back_total"

# Vacancy / job-seeker model: input variables
VACANCIES: Final = "vacancies"
JOB_SEEKERS: Final = "job_seekers"
HIRES: Final = "hires"

# Vacancy / job-seeker model: dims and posterior variables
SERIES: Final = "series"
MONTH_OF_YEAR: Final = "month_of_year"
LEVEL: Final = "level"
TIGHTNESS: Final = "tightness"
INNOVATION_SCALE: Final = "innovation_scale"
INNOVATION_SD: Final = "innovation_sd"
COMMON_SHARE: Final = "common_share"
FACTOR_CORRELATION: Final = "factor_correlation"
INCREMENT_PERSISTENCE: Final = "increment_persistence"
OBSERVATION_SD: Final = "observation_sd"
SEASONAL: Final = "seasonal"
SEASONAL_SCALE: Final = "seasonal_scale"
MATCHING_ELASTICITY: Final = "matching_elasticity"
MATCHING_EFFICIENCY: Final = "matching_efficiency"
RETURNS_TO_SCALE: Final = "returns_to_scale"
EFFICIENCY_SIGMA: Final = "efficiency_sigma"
HIRES_SD: Final = "hires_sd"
