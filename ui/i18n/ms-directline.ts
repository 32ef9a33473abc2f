/** The bot's own Direct Line (Bahasa Melayu): what the channel itself says (bot/directline/). */
export const msDirectLine = {
  'dl.whileAway': 'Sementara anda tiada:',
};
