import { describe, expect, it } from 'vitest';
import { parseMultistatus } from '../../../main/sync/sync-webdav-listing.js';
import { parseWebdavUrl } from '../../../main/sync/targets/webdav-target.js';

const NEXTCLOUD = `<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">
 <d:response><d:href>/remote.php/dav/files/team/insp/</d:href>
  <d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop></d:propstat></d:response>
 <d:response><d:href>/remote.php/dav/files/team/insp/abc%20def/</d:href>
  <d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop></d:propstat></d:response>
 <d:response><d:href>/remote.php/dav/files/team/insp/${'a'.repeat(64)}.fwbundle</d:href>
  <d:propstat><d:prop><d:resourcetype/><d:getcontentlength>1234</d:getcontentlength></d:prop></d:propstat></d:response>
</d:multistatus>`;

const APACHE = `<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:lp1="DAV:">
<D:response><D:href>https://dav.example.org/share/insp/</D:href>
<D:propstat><D:prop><lp1:resourcetype><D:collection/></lp1:resourcetype></D:prop></D:propstat></D:response>
<D:response><D:href>https://dav.example.org/share/insp/.x.part</D:href>
<D:propstat><D:prop><lp1:resourcetype/><lp1:getcontentlength>7</lp1:getcontentlength></D:prop></D:propstat></D:response>
</D:multistatus>`;

const PLAIN = `<multistatus xmlns="DAV:"><response><href>/s/insp/</href><propstat><prop><resourcetype><collection /></resourcetype></prop></propstat></response>
<response><href>/s/insp/a&amp;b</href><propstat><prop><getcontentlength>0</getcontentlength><resourcetype/></prop></propstat></response></multistatus>`;

describe('reading WebDAV listings from different servers', () => {
  it('reads Nextcloud (d:), Apache (D: and lp1:) and unprefixed answers, leaving out the folder itself', () => {
    expect(parseMultistatus(NEXTCLOUD, '/remote.php/dav/files/team/insp/')).toEqual([
      { name: 'abc def', isDir: true, size: null },
      { name: `${'a'.repeat(64)}.fwbundle`, isDir: false, size: 1234 },
    ]);
    expect(parseMultistatus(APACHE, '/share/insp/')).toEqual([{ name: '.x.part', isDir: false, size: 7 }]);
    expect(parseMultistatus(PLAIN, '/s/insp')).toEqual([{ name: 'a&b', isDir: false, size: 0 }]);
  });

  it('refuses addresses that would send a password unprotected or hide it in the address', () => {
    expect(() => parseWebdavUrl('http://cloud.example.org/dav/')).toThrow(/https/);
    expect(() => parseWebdavUrl('https://asha:pw@cloud.example.org/dav/')).toThrow(/own boxes/);
    expect(() => parseWebdavUrl('not a url')).toThrow(/not a web address/);
    expect(parseWebdavUrl('http://127.0.0.1:8080/dav').href).toBe('http://127.0.0.1:8080/dav/');
    expect(parseWebdavUrl('https://cloud.example.org/dav?x=1#y').href).toBe('https://cloud.example.org/dav/');
  });
});
